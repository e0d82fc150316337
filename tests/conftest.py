import os

from hypothesis import HealthCheck, settings

# CI runs on 2 shared cores: no deadlines (timing is not what these tests check),
# and a fixed, derandomized search so a red run is reproducible.
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")
