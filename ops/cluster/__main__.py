from ops.cluster.cluster import main

raise SystemExit(main())
