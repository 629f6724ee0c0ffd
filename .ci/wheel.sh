# shellcheck shell=bash
# The installed package is what runs: build the wheel, install it into a clean virtualenv outside
# the checkout, and run the first commands a new user runs from an empty directory. Sourced by
# .ci/run; nothing here may read the checkout once the wheel is built.

check_wheel() {
  local work wheel
  work=$(mktemp -d /tmp/socialops-wheel.XXXXXX)
  .venv/bin/python -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
  wheel=$(ls "$work"/dist/socialops-*.whl)
  python3 -m venv "$work/venv"
  "$work/venv/bin/python" -m pip install --quiet --upgrade pip
  "$work/venv/bin/python" -m pip install --quiet "$wheel"
  mkdir "$work/empty"
  (
    cd "$work/empty"
    # A user's shell, not ours: no checkout on the path, no settings from this environment.
    env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$work" bash -euo pipefail -c '
      python -c "import bot, sys; assert \"site-packages\" in bot.__file__, bot.__file__"
      # The first command a newcomer runs passes and creates nothing; then the store is made.
      socialops check
      test ! -e socialops.db
      socialops db upgrade
      socialops check
      socialops demo | tail -n 1 | grep "^demo ok"
    '
  )
  rm -rf "$work"
}
