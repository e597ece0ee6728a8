"""Shared test settings: hypothesis profiles (CI runs more examples than a quick local run)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=150)
settings.load_profile("ci" if os.environ.get("CI") else "default")
