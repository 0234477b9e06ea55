"""Azure clouds: where ARM lives, which token scope it wants and where to sign in."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from amlaudit.errors import UsageError


@dataclass(frozen=True)
class Cloud:
    name: str
    arm_endpoint: str  # no trailing slash
    authority_host: str
    token_scope: str


_CLOUDS = {
    "public": Cloud(
        "public",
        "https://management.azure.com",
        "https://login.microsoftonline.com",
        "https://management.azure.com/.default",
    ),
    "china": Cloud(
        "china",
        "https://management.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
    ),
    "usgov": Cloud(
        "usgov",
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
        "https://management.usgovcloudapi.net/.default",
    ),
}
# The names `az cloud list` uses.
ALIASES = {"azurecloud": "public", "azurechinacloud": "china", "azureusgovernment": "usgov"}
CLOUD_CHOICES = ("public", "china", "usgov", "AzureCloud", "AzureChinaCloud", "AzureUSGovernment")


def resolve_cloud(name: str, arm_endpoint: str | None = None) -> Cloud:
    """The cloud by name or alias; `arm_endpoint` overrides where requests go (a proxy, a fake).

    The token scope stays the cloud's: a token for `management.azure.com` is what ARM accepts
    behind any front door.
    """
    key = name.strip().lower()
    cloud = _CLOUDS.get(ALIASES.get(key, key))
    if cloud is None:
        raise UsageError(
            f"--cloud {name!r}: unknown cloud (choose from {', '.join(CLOUD_CHOICES)})"
        )
    if not arm_endpoint:
        return cloud
    parts = urlsplit(arm_endpoint.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise UsageError(
            f"--arm-endpoint {arm_endpoint!r}: must be an https:// URL (tokens never travel "
            "over plain HTTP)"
        )
    endpoint = f"https://{parts.netloc}{parts.path}".rstrip("/")
    return Cloud(cloud.name, endpoint, cloud.authority_host, cloud.token_scope)
