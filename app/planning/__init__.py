"""Plans, the subsidy fund ledger and the statistics reports (第六、十一、十二、十三、四十四条)."""
