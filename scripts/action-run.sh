#!/usr/bin/env bash
# The shell logic of the GitHub Action (action.yml), runnable locally and from the tests:
#
#   INPUT_PATHS=. INPUT_FORMAT=text scripts/action-run.sh check
#
# Steps: `install` (pip install lambdalint), `check` (the report and the exit code, plus SARIF
# when INPUT_SARIF_FILE is set), `summary` (Markdown job summary; never fails the job).
# Inputs come from INPUT_* variables, as action.yml passes them. Python must already be set
# up (actions/setup-python is the caller's job); LAMBDALINT_PYTHON picks the interpreter.
set -euo pipefail

step="${1:-check}"
python="${LAMBDALINT_PYTHON:-python}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

# Paths are separated by whitespace or newlines (a YAML block scalar works too).
read -r -d '' -a paths <<<"${INPUT_PATHS:-.}" || true
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi

common=("${paths[@]}")
if [ -n "${INPUT_RUNTIME:-}" ]; then
  common+=(--runtime "${INPUT_RUNTIME}")
fi
if [ -n "${INPUT_ARCH:-}" ]; then
  common+=(--arch "${INPUT_ARCH}")
fi

lambdalint() {
  "${python}" -m lambdalint "$@"
}

case "${step}" in
  install)
    version="${INPUT_VERSION:-}"
    if [ -z "${version}" ]; then
      spec="${action_path}"
    elif [[ "${version}" =~ ^[A-Za-z] ]]; then
      spec="${version}"             # a full requirement: lambdalint==0.4.0, a URL, ...
    else
      spec="lambdalint${version}"   # a version specifier: ==0.4.0, >=0.4
    fi
    "${python}" -m pip install --disable-pip-version-check --quiet "${spec}"
    ;;
  check)
    if [ -n "${INPUT_SARIF_FILE:-}" ]; then
      lambdalint check "${common[@]}" --format sarif --output "${INPUT_SARIF_FILE}" \
        --fail-on never
    fi
    lambdalint check "${common[@]}" --format "${INPUT_FORMAT:-github}" \
      --fail-on "${INPUT_FAIL_ON:-error}"
    ;;
  summary)
    if [ -z "${GITHUB_STEP_SUMMARY:-}" ]; then
      echo "lambdalint: GITHUB_STEP_SUMMARY is not set; no job summary written"
      exit 0
    fi
    report="$(mktemp)"
    trap 'rm -f "${report}"' EXIT
    if lambdalint check "${common[@]}" --format "${INPUT_SUMMARY_FORMAT:-markdown}" \
      --output "${report}" --fail-on never; then
      cat "${report}" >>"${GITHUB_STEP_SUMMARY}"
    else
      echo "::warning title=lambdalint::could not write the job summary (see the log above)"
    fi
    ;;
  *)
    echo "usage: $0 install|check|summary" >&2
    exit 2
    ;;
esac
