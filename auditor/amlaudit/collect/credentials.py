"""Turn `--auth` into an azure-identity credential. Secrets come only from the environment.

azure-identity is imported here, lazily, when a live collection starts. Each choice maps to one
credential class so a failure names what was tried:

- `default`: DefaultAzureCredential (environment, workload identity, managed identity, Azure
  CLI...; narrowed by AZURE_TOKEN_CREDENTIALS);
- `cli`, `env` (service principal from AZURE_CLIENT_ID / AZURE_TENANT_ID and
  AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), `managed-identity`,
  `workload-identity`, `browser`, `device-code`;
- `token`: a bearer token taken from AMLAUDIT_ACCESS_TOKEN (for example from
  `az account get-access-token`), for pipelines that already hold one.
"""

from __future__ import annotations

import base64
import json
import os
import time
from enum import StrEnum
from typing import Any

from amlaudit.collect.clouds import Cloud
from amlaudit.errors import CollectionError, UsageError

TOKEN_VARIABLE = "AMLAUDIT_ACCESS_TOKEN"


class AuthMethod(StrEnum):
    DEFAULT = "default"
    CLI = "cli"
    ENV = "env"
    MANAGED_IDENTITY = "managed-identity"
    WORKLOAD_IDENTITY = "workload-identity"
    BROWSER = "browser"
    DEVICE_CODE = "device-code"
    TOKEN = "token"


class StaticTokenCredential:
    """A TokenCredential over one bearer token; azure-core asks it for tokens as for any other."""

    def __init__(self, token: str) -> None:
        self._token = token
        self._expires_on = _jwt_expiry(token) or int(time.time()) + 3600

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, self._expires_on)

    def __repr__(self) -> str:  # never show the token
        return "StaticTokenCredential(<redacted>)"


class TenantCredential:
    """Asks the wrapped credential for tokens of one tenant (DefaultAzureCredential has no
    constructor argument for that)."""

    def __init__(self, inner: Any, tenant: str) -> None:
        self._inner = inner
        self._tenant = tenant

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        kwargs.setdefault("tenant_id", self._tenant)
        return self._inner.get_token(*scopes, **kwargs)


def _jwt_expiry(token: str) -> int | None:
    """The `exp` claim of a JWT, read without verifying it (Azure verifies it)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    exp = payload.get("exp") if isinstance(payload, dict) else None
    return exp if isinstance(exp, int) else None


def make_credential(
    method: AuthMethod, cloud: Cloud, tenant: str | None = None, client_id: str | None = None
) -> Any:
    """A credential for `method`; CollectionError when it cannot even be constructed."""
    if method is AuthMethod.TOKEN:
        token = os.environ.get(TOKEN_VARIABLE, "").strip()
        if not token:
            raise UsageError(f"--auth token needs the bearer token in ${TOKEN_VARIABLE}")
        return StaticTokenCredential(token.removeprefix("Bearer ").strip())
    try:
        import azure.identity as identity
    except ImportError as exc:  # pragma: no cover - azure-identity is a dependency
        raise CollectionError(f"live collection needs azure-identity ({exc})") from None
    common: dict[str, Any] = {"authority": cloud.authority_host}
    try:
        if method is AuthMethod.DEFAULT:
            chain = identity.DefaultAzureCredential(
                **common,
                managed_identity_client_id=client_id,
                workload_identity_client_id=client_id,
                additionally_allowed_tenants=["*"] if tenant else [],
            )
            return TenantCredential(chain, tenant) if tenant else chain
        if method is AuthMethod.CLI:
            return identity.AzureCliCredential(tenant_id=tenant or "")
        if method is AuthMethod.ENV:
            return identity.EnvironmentCredential(**common)
        if method is AuthMethod.MANAGED_IDENTITY:
            return identity.ManagedIdentityCredential(client_id=client_id)
        if method is AuthMethod.WORKLOAD_IDENTITY:
            return identity.WorkloadIdentityCredential(
                tenant_id=tenant, client_id=client_id, **common
            )
        if method is AuthMethod.BROWSER:
            return identity.InteractiveBrowserCredential(
                tenant_id=tenant, client_id=client_id, **common
            )
        if method is AuthMethod.DEVICE_CODE:
            if client_id:
                return identity.DeviceCodeCredential(client_id, tenant_id=tenant, **common)
            return identity.DeviceCodeCredential(tenant_id=tenant, **common)
    except ValueError as exc:  # e.g. workload identity without its environment variables
        raise CollectionError(f"--auth {method.value}: {exc}") from None
    raise UsageError(f"--auth {method.value}: not a supported method")  # pragma: no cover


def check_credential(credential: Any, method: AuthMethod, cloud: Cloud) -> None:
    """Get one token before any request, so a credential that cannot sign in is one clear
    error (exit 2) instead of hundreds of failed requests."""
    from azure.core.exceptions import ClientAuthenticationError

    try:
        credential.get_token(cloud.token_scope)
    except ClientAuthenticationError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CollectionError(f"--auth {method.value}: cannot get a token: {first}") from None
