import sys

from eduplan.cli import main

sys.exit(main())
