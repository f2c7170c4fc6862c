#!/usr/bin/env bash
# Builds docker/Dockerfile for real, without a Docker engine and without pulling the EMR base image:
#   1. a local stand-in base with the EMR on EKS image contract (Debian bookworm minbase from
#      debootstrap, openjdk-17-jre-headless, Spark 3.5 jars in /usr/lib/spark/jars, Delta in
#      /usr/share/aws/delta/lib, user hadoop uid 999, WorkingDir /home/hadoop, entrypoint
#      /usr/bin/entrypoint.sh, SPARK_HOME=/usr/lib/spark, JAVA_HOME);
#   2. docker/Dockerfile on it (--build-arg BASE_IMAGE), with buildah (--isolation chroot, vfs);
#   3. checks of the image config the way the EMR custom-image validator does them;
#   4. runs inside the image: spark-jobs list, the smoke-test job, and cost-analysis on sample data
#      made inside the image, both through the spark-submit command that
#      'spark-jobs render spark-submit --master local[2]' prints.
# For arm64 the same is built under qemu emulation and java -version and spark-jobs list run inside.
#
#   docker/test-image.sh [amd64|arm64|all]     (default amd64; needs root, apt-get installs what is missing)
#
# Environment: SPARK_JOBS_IMAGE_TEST_DIR (work folder, default /var/tmp/spark-jobs-image-test; the
# debootstrap root file systems are cached there), DEBIAN_MIRROR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${SPARK_JOBS_IMAGE_TEST_DIR:-/var/tmp/spark-jobs-image-test}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
APP_JAR="$ROOT/app/target/spark-jobs.jar"
SPARK_JARS="$ROOT/app/target/spark-home/jars"
case "${1:-amd64}" in
  amd64) ARCHES=(amd64) ;;
  arm64) ARCHES=(arm64) ;;
  all) ARCHES=(amd64 arm64) ;;
  *) echo "usage: $0 [amd64|arm64|all]" >&2; exit 2 ;;
esac

step() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "run as root: buildah with vfs storage and debootstrap need it (e.g. sudo $0 $*)"

step "tools"
missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [[ " ${ARCHES[*]} " == *" arm64 "* && "$(uname -m)" != "aarch64" ]]; then
  [[ -e /usr/bin/qemu-aarch64-static ]] || missing+=(qemu-user-static)
  command -v update-binfmts >/dev/null || missing+=(binfmt-support)
fi
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ " ${ARCHES[*]} " == *" arm64 "* && "$(uname -m)" != "aarch64" ]]; then
  [[ -e /proc/sys/fs/binfmt_misc/register ]] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] || update-binfmts --enable qemu-aarch64
  [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] || fail "cannot register qemu-aarch64 with binfmt_misc; arm64 binaries cannot run here"
fi
buildah --version
BUILDAH=(buildah --storage-driver vfs)

step "application jar"
if [[ ! -f "$APP_JAR" || ! -d "$SPARK_JARS" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl app -am)
fi
ls -l "$APP_JAR"
java -cp "$APP_JAR" dev.sparkjobs.internal.deploy.NativeLibraryAudit "$APP_JAR"

mkdir -p "$WORK"
REVISION="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

stand_in_base() {
  local arch="$1" rootfs="$WORK/rootfs-$1" context="$WORK/base-$1"
  if [[ ! -f "$WORK/rootfs-$arch.tar" ]]; then
    step "debootstrap bookworm minbase + openjdk-17-jre-headless ($arch)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --arch="$arch" --include=openjdk-17-jre-headless bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap-$arch.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap-$arch.log"; fail "debootstrap $arch failed (log: $WORK/debootstrap-$arch.log)"; }
    # The EMR image's user, home and JAVA_HOME layout, written directly so no emulated command runs.
    echo "hadoop:x:999:999:hadoop:/home/hadoop:/bin/bash" >>"$rootfs/etc/passwd"
    echo "hadoop:x:999:" >>"$rootfs/etc/group"
    echo "hadoop:!:19000:0:99999:7:::" >>"$rootfs/etc/shadow"
    install -d -o 999 -g 999 "$rootfs/home/hadoop"
    ln -s "java-17-openjdk-$arch" "$rootfs/usr/lib/jvm/jre-17"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$WORK/rootfs-$arch.tar.partial" . && mv "$WORK/rootfs-$arch.tar.partial" "$WORK/rootfs-$arch.tar"
    rm -rf "$rootfs"
  fi
  step "stand-in EMR base image ($arch)"
  rm -rf "$context" && mkdir -p "$context/spark-jars" "$context/delta"
  ln "$WORK/rootfs-$arch.tar" "$context/rootfs.tar" 2>/dev/null || cp "$WORK/rootfs-$arch.tar" "$context/rootfs.tar"
  for jar in "$SPARK_JARS"/*.jar; do
    case "$(basename "$jar")" in
      delta-spark_*) cp "$jar" "$context/delta/delta-spark.jar" ;;
      delta-storage-*) cp "$jar" "$context/delta/delta-storage.jar" ;;
      *) cp "$jar" "$context/spark-jars/" ;;
    esac
  done
  [[ -f "$context/delta/delta-spark.jar" && -f "$context/delta/delta-storage.jar" ]] || fail "no Delta jars in $SPARK_JARS"
  cp "$ROOT/docker/stand-in/spark-submit" "$ROOT/docker/stand-in/entrypoint.sh" "$context/"
  cat >"$context/Containerfile" <<'CONTAINERFILE'
FROM scratch
ADD rootfs.tar /
COPY spark-jars/ /usr/lib/spark/jars/
COPY delta/ /usr/share/aws/delta/lib/
COPY spark-submit /usr/lib/spark/bin/spark-submit
COPY entrypoint.sh /usr/bin/entrypoint.sh
ENV JAVA_HOME=/usr/lib/jvm/jre-17 SPARK_HOME=/usr/lib/spark PATH=/usr/lib/spark/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER hadoop:hadoop
WORKDIR /home/hadoop
ENTRYPOINT ["/usr/bin/entrypoint.sh"]
CONTAINERFILE
  "${BUILDAH[@]}" build --quiet --isolation chroot --platform "linux/$arch" -t "localhost/emr-stand-in:$arch" "$context" >/dev/null
  rm -rf "$context"
}

config() { "${BUILDAH[@]}" inspect --type image --format "$1" "$2"; }

validate_config() {
  local image="$1" arch="$2"
  step "image config checks, as the EMR custom-image validator does them ($arch)"
  local user workdir entrypoint env architecture
  user="$(config '{{.OCIv1.Config.User}}' "$image")"
  workdir="$(config '{{.OCIv1.Config.WorkingDir}}' "$image")"
  entrypoint="$(config '{{.OCIv1.Config.Entrypoint}}' "$image")"
  env="$(config '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$image")"
  architecture="$(config '{{.OCIv1.Architecture}}' "$image")"
  check() { if [[ "$2" == "$3" ]]; then echo "  PASS $1: $2"; else fail "$1 is '$2', expected '$3'"; fi; }
  check "user" "$user" "hadoop:hadoop"
  check "working directory" "$workdir" "/home/hadoop"
  check "entrypoint" "$entrypoint" '[/usr/bin/entrypoint.sh]'
  check "SPARK_HOME" "$(grep '^SPARK_HOME=' <<<"$env" | cut -d= -f2-)" "/usr/lib/spark"
  check "JAVA_HOME set" "$(grep -c '^JAVA_HOME=/' <<<"$env")" "1"
  check "SPARK_JOBS_CONF_DIR" "$(grep '^SPARK_JOBS_CONF_DIR=' <<<"$env" | cut -d= -f2-)" "/opt/spark-jobs/conf"
  check "architecture" "$architecture" "$arch"
  for label in version revision source; do
    [[ -n "$(config "{{index .OCIv1.Config.Labels \"org.opencontainers.image.$label\"}}" "$image")" ]] || fail "label org.opencontainers.image.$label is missing"
  done
  echo "  PASS OCI labels: $(config '{{range $key, $value := .OCIv1.Config.Labels}}{{$key}}={{$value}} {{end}}' "$image")"
}

inside() { local image="$1"; shift; "${BUILDAH[@]}" run --isolation chroot "$CONTAINER" -- "$@"; }

for arch in "${ARCHES[@]}"; do
  stand_in_base "$arch"
  step "docker/Dockerfile on the stand-in base ($arch)"
  image="localhost/spark-jobs:test-$arch"
  "${BUILDAH[@]}" build --quiet --isolation chroot --platform "linux/$arch" -f "$ROOT/docker/Dockerfile" \
    --build-arg BASE_IMAGE="localhost/emr-stand-in:$arch" --build-arg REVISION="$REVISION" --build-arg VERSION=test \
    -t "$image" "$ROOT" >/dev/null
  validate_config "$image" "$arch"

  CONTAINER="$("${BUILDAH[@]}" from --quiet --pull-never --platform "linux/$arch" "$image")"
  trap '"${BUILDAH[@]}" rm "$CONTAINER" >/dev/null 2>&1 || true' EXIT
  step "inside the image ($arch): files and user"
  inside "$image" sh -c 'id; test "$(id -u)" = 999; test -x /usr/bin/entrypoint.sh; test -r /opt/spark-jobs/spark-jobs.jar; test -r /opt/spark-jobs/conf/application.conf; ! test -w /opt/spark-jobs/spark-jobs.jar; ls /usr/lib/spark/jars | wc -l'
  inside "$image" java -version
  step "inside the image ($arch): spark-jobs list"
  inside "$image" env SPARK_LOCAL_IP=127.0.0.1 spark-jobs list | tee "$WORK/list-$arch.txt"
  grep -q '^smoke-test ' "$WORK/list-$arch.txt" || fail "spark-jobs list inside the image does not list smoke-test"
  if [[ "$arch" == amd64 ]]; then
    step "inside the image ($arch): smoke-test through the rendered spark-submit command"
    command="$(inside "$image" env SPARK_LOCAL_IP=127.0.0.1 spark-jobs render spark-submit smoke-test --date 2024-09-30 --env local --master 'local[2]' --set output.root=/tmp/lake 2>/dev/null)"
    echo "$command"
    inside "$image" env SPARK_LOCAL_IP=127.0.0.1 bash -c "$command" 2>"$WORK/smoke-$arch.err" | tee "$WORK/smoke-$arch.out" \
      || { tail -40 "$WORK/smoke-$arch.err"; fail "the smoke-test run inside the image failed"; }
    grep -q 'smoke-test succeeded' "$WORK/smoke-$arch.out" || fail "the smoke-test run did not report success"
    inside "$image" sh -c 'ls /tmp/lake/smoke_test/_delta_log/ && ls -d /tmp/lake/smoke_test/run_date=2024-09-30'

    step "inside the image ($arch): cost-analysis on its sample data, through the rendered spark-submit command"
    inside "$image" env SPARK_LOCAL_IP=127.0.0.1 spark-jobs sample-data cost-analysis --out /tmp/samples/cost --scale 3000 \
      >"$WORK/sample-$arch.out" 2>"$WORK/sample-$arch.err" || { tail -40 "$WORK/sample-$arch.err"; fail "sample-data cost-analysis inside the image failed"; }
    billing="$(grep -o 'input.billing=[^ ]*' "$WORK/sample-$arch.out" | head -1)"
    [[ -n "$billing" ]] || fail "sample-data cost-analysis printed no input.billing setting: $(cat "$WORK/sample-$arch.out")"
    command="$(inside "$image" env SPARK_LOCAL_IP=127.0.0.1 spark-jobs render spark-submit cost-analysis --date 2024-09-30 --env local --master 'local[2]' \
      --set output.root=/tmp/lake --set "$billing" --set scope=all 2>/dev/null)"
    inside "$image" env SPARK_LOCAL_IP=127.0.0.1 bash -c "$command" 2>"$WORK/cost-$arch.err" | tee "$WORK/cost-$arch.out" \
      || { tail -40 "$WORK/cost-$arch.err"; fail "the cost-analysis run inside the image failed"; }
    grep -q 'cost-analysis succeeded' "$WORK/cost-$arch.out" || fail "the cost-analysis run did not report success"
    inside "$image" sh -c 'ls -d /tmp/lake/cost_daily/billing_period=2024-09-01 /tmp/lake/cost_kpis_monthly/_delta_log'
  fi
  "${BUILDAH[@]}" rm "$CONTAINER" >/dev/null
  trap - EXIT
  step "image for $arch passed"
done
"${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true
echo "All image checks passed for: ${ARCHES[*]} (in ${SECONDS}s)"
