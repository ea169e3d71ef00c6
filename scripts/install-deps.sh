#!/usr/bin/env bash
# Installs every Debian package that dlqcat's build, tests, demo and benchmarks need.
# Idempotent: installs only what is missing. Runs as root (or through sudo) on Debian 12.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  librdkafka-dev libcli11-dev nlohmann-json3-dev doctest-dev libfmt-dev libpqxx-dev libcurl4-openssl-dev libre2-dev
  libsimdjson-dev
  kcat python3-confluent-kafka python3-psycopg2 python3-prometheus-client jq curl
  postgresql postgresql-client
  zsh fish groff-base man-db bsdextrautils dpkg-dev
  clang-14 libclang-rt-14-dev
  # real Apache Kafka in the test bed (scripts/kafka.sh resolves its jars through Maven)
  openjdk-17-jdk-headless maven
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
