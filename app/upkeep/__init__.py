"""Upkeep (第二十八、三十九、四十条): repairs, fire-safety checks, inspections, emergency plans, quality."""
