"""Door access: devices, credentials, events and the signals a person confirms (第四十条, issue 19)."""
