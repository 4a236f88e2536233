"""Leases (第二十三、三十四–三十八、四十、四十一、四十三条): signing, renewal, transition, violations."""
