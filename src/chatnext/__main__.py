from chatnext.cli import main

raise SystemExit(main())
