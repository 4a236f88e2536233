"""Holiday-calendar storage and API; the working-day arithmetic lives in ``rules.calendar``."""
