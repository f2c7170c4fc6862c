#!/usr/bin/env bash
# Stand-in for the EMR image's entrypoint: runs the given command (EMR's own also starts the Spark
# driver or executor processes it is asked for; the local checks never need that).
set -euo pipefail
exec "$@"
