#!/usr/bin/env bash
# axe-core (the accessibility rules the browser tests run in each page), from the npm
# registry into target/axe, installed if missing. Prints the path of axe.min.js.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/axe
file="$dir/node_modules/axe-core/axe.min.js"
if ! [ -f "$file" ]; then
  if ! command -v npm >/dev/null; then
    echo "the browser tests need npm (Node.js) for axe-core: sudo apt-get install npm" >&2
    exit 1
  fi
  echo "installing axe-core (npm)" >&2
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" axe-core@4.10 >&2
fi
echo "$PWD/$file"
