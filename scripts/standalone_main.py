"""The single-file build's entry point: the `deskapp` console script."""

from deskapp.cli import main

raise SystemExit(main())
