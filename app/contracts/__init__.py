"""Lease contracts: templates, online signing, PDFs, 租赁备案证明 (第二十三、三十四、四十条)."""
