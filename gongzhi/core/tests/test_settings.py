"""Settings fail loudly: a value the helpers cannot read stops the start, it is not guessed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongzhi.settings import envbool, envint


def test_settings_helpers_refuse_values_they_cannot_read(monkeypatch) -> None:
    monkeypatch.setenv("GZ_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("GZ_FLAG", False)
    monkeypatch.setenv("GZ_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        envint("GZ_NUM", 1)
    monkeypatch.setenv("GZ_FLAG", "yes")
    assert envbool("GZ_FLAG", False) is True
