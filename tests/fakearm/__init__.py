"""A fake Azure Resource Manager for tests: any snapshot served as the ARM REST API over HTTPS.

    with FakeArm(resources) as arm:
        arm.faults.add(Fault("throttle", match="/workspaces", times=2, value="1"))
        run amlaudit with --arm-endpoint arm.url and REQUESTS_CA_BUNDLE=arm.ca_path

`estate.py` knows ARM's routing (lists, children, extension resources, Resource Graph);
`faults.py` injects throttling, 5xx bursts, 403/404, malformed JSON, slowness and dropped
connections; `server.py` is the HTTPS server with a throw-away trustme certificate and a log
of every request.
"""

from fakearm.faults import Fault, Faults
from fakearm.server import FakeArm, RequestRecord

__all__ = ["FakeArm", "Fault", "Faults", "RequestRecord"]
