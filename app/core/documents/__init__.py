"""Official documents as PDF: the project certificate (附件3) and the non-conformity notice (第二十四条).

Input is plain dataclasses (``models``); nothing here reads the database or another domain.
"""
