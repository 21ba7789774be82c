"""`python -m bot` is the `summitwatch` command."""

from bot.cli import main

raise SystemExit(main())
