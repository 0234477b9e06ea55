"""amlaudit: a security and compliance scanner for Azure Machine Learning estates.

Importing the package is cheap on purpose: `amlaudit --version` must not pay for rules,
reports or the Azure SDK. Rule authors import from :mod:`amlaudit.api`.
"""

from amlaudit._version import __version__

__all__ = ["__version__"]
