#!/usr/bin/env python3
"""Chronicle's command line: ``python build.py [build|check|serve|new] --help``."""

import sys

if __name__ == "__main__":
    try:
        from chronicle.cli import main

        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl-C before the command started: nothing was written
        print("Interrompu ; le site n'a pas été modifié.", file=sys.stderr)
        sys.exit(130)
