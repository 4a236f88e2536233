"""After certification: units and listing, appraisals and rent standards, subsidies,
operation start and transfers, exits (第七、十二–十六、二十六、三十、三十六、三十七、四十二–四十五条)."""
