"""Tenants (第三十一–三十三条, 附件4): profiles, commitments, registry data, applications, lotteries."""
