import pytest
from pydantic import ValidationError

from app.core.config import DEFAULT_DATA_KEY, DEFAULT_SECRET, Settings


def test_default_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="BAOZU_SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET, data_key="k" * 40)


def test_default_data_key_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="BAOZU_DATA_KEY"):
        Settings(environment="production", secret_key="s" * 40, data_key=DEFAULT_DATA_KEY)


def test_short_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key="short", data_key="k" * 40)


def test_development_accepts_the_defaults() -> None:
    assert Settings(environment="development").environment == "development"


def test_today_can_be_fixed(monkeypatch) -> None:
    monkeypatch.setenv("BAOZU_TODAY", "2022-04-29")
    assert str(Settings().today) == "2022-04-29"
