import sys

from amlaudit.cli import main

sys.exit(main())
