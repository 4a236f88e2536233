"""Project approval (第二十四条): application → joint review → certificate or notice."""
