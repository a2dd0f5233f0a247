#!/usr/bin/env python3
"""Chronicle's command line: ``python build.py [build|check|serve|new] --help``."""

import sys

from chronicle.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
