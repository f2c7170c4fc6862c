#!/usr/bin/env bash
# Builds docker/Dockerfile for real, without a Docker engine and without pulling the EMR base image,
# and runs jobs inside the result:
#   1. a local stand-in for the EMR on EKS 7.12.0 base image: Debian bookworm minbase (debootstrap)
#      with openjdk-17-jre-headless, and EMR 7.12.0's own versions, pinned in docker/stand-in/pom.xml
#      (not the project's pom), laid out as the EMR image lays them out:
#        /usr/lib/spark/jars/                     Spark 3.5.6 with hadoop-client-api/-runtime 3.4.1
#        /usr/lib/hadoop/hadoop-aws.jar           S3A 3.4.1
#        /usr/share/aws/aws-java-sdk-v2/          the AWS SDK for Java v2 2.35.5 bundle
#        /usr/share/aws/delta/lib/                delta-spark.jar, delta-storage.jar 3.3.2
#        /usr/lib/spark/conf/spark-defaults.conf  hadoop-aws and the SDK on the driver and executor class paths
#        /usr/lib/spark/bin/spark-submit          Spark's own launcher, run as bin/spark-submit runs it
#      and the image contract: user hadoop (uid 999), WorkingDir /home/hadoop, entrypoint
#      /usr/bin/entrypoint.sh, SPARK_HOME=/usr/lib/spark, JAVA_HOME;
#   2. docker/Dockerfile on it (--build-arg BASE_IMAGE), with buildah (--isolation chroot, vfs);
#   3. checks of the image config the way the EMR custom-image validator does them;
#   4. inside the image: spark-jobs list, then, through the command that 'spark-jobs render
#      spark-submit JOB --master local[2]' prints there, the smoke-test job with its lake on S3Proxy
#      (an S3 API server this script runs on the host's loopback; the keys reach the jobs through
#      AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY only); on amd64 also cost-analysis reading sample data
#      from S3Proxy and writing its lake there, whose exported cost_daily table must equal the one of
#      the same run outside the image (bin/spark-jobs) on the same input.
# arm64 on an x86 machine runs under qemu-user-static emulation.
#
# Time, measured on 2 cores (Debian 12) while other Maven builds shared the machine (load 6-10):
#   amd64: 9 min 12 s with the work folder empty (debootstrap 3.6 min, the stand-in base image 71 s,
#          sample data 46 s), 5 min 40 s with it warm;
#   arm64: 16 min 8 s empty (debootstrap under qemu 8.4 min, the emulated smoke-test 4.7 min),
#          4 min 51 s warm (the emulated smoke-test about 4 min).
# The stand-in carries the SDK v2 bundle (686 MB) as EMR's image does, not the few SDK modules S3A
# needs: its download from Maven Central took 19 s here (35 MB/s) and resolving all the stand-in's
# jars 17 s with a warm ~/.m2, so it is not what makes a cold run slow (debootstrap is, and under
# qemu the JVM); the bundle also proves the job runs against the SDK class set production has.
#
#   sudo docker/test-image.sh [amd64|arm64|all]     (default amd64; apt-get installs what is missing)
#
# Environment: SPARK_JOBS_IMAGE_TEST_DIR (work folder, default /var/tmp/spark-jobs-image-test; it keeps
# the debootstrap root file systems, buildah's image storage and the logs of the last run),
# SPARK_JOBS_IMAGE_TEST_JIT=full (both JIT compilers in the image's JVMs, see below),
# SPARK_JOBS_IMAGE_EMULATED_JOBS=0 (an image of another architecture than the machine's, run under qemu, stops
# after java -version and spark-jobs list: its smoke-test, about 7 CPU-minutes of emulation, is left out; CI sets it), DEBIAN_MIRROR,
# SPARK_JOBS_IMAGE_REVISION (the image's revision label when the tree is not a git checkout; default: git's HEAD).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${SPARK_JOBS_IMAGE_TEST_DIR:-/var/tmp/spark-jobs-image-test}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
APP_JAR="$ROOT/app/target/spark-jobs.jar"
S3PROXY_JAR="$ROOT/app/target/s3proxy/s3proxy.jar"  # copied there by the app build (app/pom.xml, execution s3proxy)
STAND_IN="$ROOT/docker/stand-in"
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$STAND_IN/pom.xml" | head -1; }
EMR_RELEASE="$(pom_property emr.release)"
SPARK_VERSION="$(pom_property spark.version)"
HADOOP_VERSION="$(pom_property hadoop.version)"
SDK_VERSION="$(pom_property aws-sdk-v2.version)"
DELTA_VERSION="$(pom_property delta.version)"
LOGS="$WORK/logs"
HOST_ARCH="$(dpkg --print-architecture 2>/dev/null || uname -m)"
BUILDAH=(buildah --storage-driver vfs --root "$WORK/containers/storage" --runroot "$WORK/containers/run")
# What the driver's class path must start with: spark-defaults' spark.driver.extraClassPath, then Spark's
CLASS_PATH_PREFIX='-cp /usr/lib/hadoop/hadoop-aws.jar:/usr/share/aws/aws-java-sdk-v2/*:/usr/lib/spark/conf/:/usr/lib/spark/jars/*'

# The S3 round trip: S3Proxy's fixed test identity, given to the jobs through the environment only
S3_ACCESS_KEY=spark-jobs-image-test
S3_SECRET_KEY=spark-jobs-image-test-secret
S3_REGION=us-east-1
S3_BUCKET=spark-jobs-image-test
RUN_DATE=2024-09-30
COMPARED_TABLE=cost_daily

CONTAINER=""
S3PROXY_PID=""
OUTSIDE_PID=""

step() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# logged WHAT LOG COMMAND...: COMMAND's output goes to LOG; on failure, the log's end and where it is.
logged() {
  local what="$1" log="$2"
  shift 2
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "$what failed (log: $log)"
  fi
}

close_container() {
  [[ -n "$CONTAINER" ]] || return 0
  "${BUILDAH[@]}" rm "$CONTAINER" >/dev/null 2>&1 || true
  CONTAINER=""
}

# On every exit, failures and interrupts included
cleanup() {
  close_container
  stop_outside_run
  stop_s3proxy
}

# --- tools and inputs --------------------------------------------------------------------------------

emulated() { [[ "$1" != "$HOST_ARCH" ]]; }

qemu_name() { case "$1" in arm64) echo qemu-aarch64 ;; amd64) echo qemu-x86_64 ;; *) fail "no qemu for $1" ;; esac; }

install_tools() {
  step "tools"
  local missing=() arch
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v aws >/dev/null || missing+=(awscli)
  command -v python3 >/dev/null || missing+=(python3)
  for arch in "${ARCHES[@]}"; do
    if emulated "$arch"; then
      [[ -e "/usr/bin/$(qemu_name "$arch")-static" ]] || missing+=(qemu-user-static)
      command -v update-binfmts >/dev/null || missing+=(binfmt-support)
    fi
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    logged "apt-get update" "$LOGS/apt.log" apt-get update -qq
    logged "apt-get install ${missing[*]}" "$LOGS/apt.log" \
      env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  for arch in "${ARCHES[@]}"; do
    emulated "$arch" && register_emulator "$arch"
  done
  buildah --version
}

register_emulator() {
  local qemu
  qemu="$(qemu_name "$1")"
  [[ -e /proc/sys/fs/binfmt_misc/register ]] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [[ -e "/proc/sys/fs/binfmt_misc/$qemu" ]] || update-binfmts --enable "$qemu"
  [[ -e "/proc/sys/fs/binfmt_misc/$qemu" ]] || fail "cannot register $qemu with binfmt_misc; $1 binaries cannot run here"
}

build_application() {
  step "application jar"
  if [[ ! -f "$APP_JAR" || ! -d "$ROOT/app/target/spark-home/jars" || ! -f "$S3PROXY_JAR" ]]; then
    logged "the application build" "$LOGS/app-build.log" \
      bash -c "cd '$ROOT' && ./mvnw -B -ntp -DskipTests package -pl app -am"
  fi
  ls -l "$APP_JAR"
  java -cp "$APP_JAR" dev.sparkjobs.internal.deploy.NativeLibraryAudit "$APP_JAR"
}

# EMR's jars, resolved from docker/stand-in/pom.xml into $WORK/stand-in/root with the stand-in's
# scripts and spark-defaults (one tree for every arch); resolved again when one of those files changes
stand_in_jars() {
  local root="$WORK/stand-in/root" stamp
  stamp="$(cat "$STAND_IN/pom.xml" "$STAND_IN/spark-submit" "$STAND_IN/spark-defaults.conf" "$STAND_IN/entrypoint.sh" | sha256sum | cut -c1-16)"
  if [[ -d "$root" && "$(cat "$root.stamp" 2>/dev/null)" == "$stamp" ]]; then
    step "EMR $EMR_RELEASE jars for the stand-in: unchanged since the last run ($root)"
  else
    step "EMR $EMR_RELEASE jars for the stand-in (docker/stand-in/pom.xml)"
    rm -rf "$root" "$root.stamp"
    logged "resolving the stand-in's jars" "$LOGS/stand-in-jars.log" \
      bash -c "cd '$ROOT' && ./mvnw -B -ntp -f docker/stand-in/pom.xml package -Dstand-in.root='$root'"
    ln -s "hadoop-aws-$HADOOP_VERSION.jar" "$root/usr/lib/hadoop/hadoop-aws.jar"
    install -D -m 0755 "$STAND_IN/spark-submit" "$root/usr/lib/spark/bin/spark-submit"
    install -D -m 0644 "$STAND_IN/spark-defaults.conf" "$root/usr/lib/spark/conf/spark-defaults.conf"
    install -D -m 0755 "$STAND_IN/entrypoint.sh" "$root/usr/bin/entrypoint.sh"
    echo "$stamp" >"$root.stamp"
  fi
  (cd "$root" && find usr -name '*.jar' -path '*/hadoop/*' -o -name '*.jar' -path '*/aws/*' | sort | xargs ls -l)
  echo "$(find "$root/usr/lib/spark/jars" -name '*.jar' | wc -l) jars in usr/lib/spark/jars ($(du -sh "$root" | cut -f1) in all)"
}

# --- S3Proxy on the host's loopback -----------------------------------------------------------------

start_s3proxy() {
  step "S3Proxy on the host's loopback ($S3PROXY_JAR)"
  local folder="$WORK/s3proxy" port
  rm -rf "$folder" && mkdir -p "$folder/data"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  S3_ENDPOINT="http://127.0.0.1:$port"
  cat >"$folder/s3proxy.properties" <<PROPERTIES
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$folder/data
PROPERTIES
  java -Xmx512m -jar "$S3PROXY_JAR" --properties "$folder/s3proxy.properties" >"$LOGS/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  local deadline=$((SECONDS + 60))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -20 "$LOGS/s3proxy.log" >&2; fail "S3Proxy exited before listening (log: $LOGS/s3proxy.log)"; }
    ((SECONDS < deadline)) || fail "S3Proxy did not listen on port $port within 60 s (log: $LOGS/s3proxy.log)"
    sleep 0.2
  done
  echo "S3Proxy (pid $S3PROXY_PID) at $S3_ENDPOINT, objects in $folder/data"
  # The framework keys that point s3a:// at it: none of them secret, so render accepts them
  S3_SETTINGS=(--set "s3.endpoint=$S3_ENDPOINT" --set "s3.region=$S3_REGION" --set s3.path-style-access=true)
  logged "creating the bucket" "$LOGS/s3-bucket.log" s3 mb "s3://$S3_BUCKET"
}

stop_s3proxy() {
  [[ -n "$S3PROXY_PID" ]] || return 0
  kill "$S3PROXY_PID" 2>/dev/null || true
  wait "$S3PROXY_PID" 2>/dev/null || true
  echo "S3Proxy (pid $S3PROXY_PID) stopped"
  S3PROXY_PID=""
}

s3() {
  AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_DEFAULT_REGION="$S3_REGION" \
    aws --endpoint-url "$S3_ENDPOINT" s3 "$@"
}

# s3_has_table LAKE TABLE: the table's first Delta commit is in the bucket
s3_has_table() {
  local prefix="s3://${1#s3a://}/$2/_delta_log/"
  s3 ls "$prefix" | grep '00000000000000000000.json' >/dev/null || fail "no Delta log at $prefix"
  echo "  PASS Delta table $1/$2 on S3: $(s3 ls --recursive "s3://${1#s3a://}/$2/" | wc -l) objects"
}

# --- images ------------------------------------------------------------------------------------------

# Debian bookworm minbase with Java 17 and the EMR image's user, cached as a tar per arch
stand_in_rootfs() {
  local arch="$1" rootfs="$WORK/rootfs-$1"
  if [[ -f "$WORK/rootfs-$arch.tar" ]]; then
    step "root file system ($arch): cached in $WORK/rootfs-$arch.tar"
    return
  fi
  step "debootstrap bookworm minbase + openjdk-17-jre-headless ($arch)"
  rm -rf "$rootfs"
  logged "debootstrap $arch" "$LOGS/debootstrap-$arch.log" \
    debootstrap --variant=minbase --arch="$arch" --include=openjdk-17-jre-headless bookworm "$rootfs" "$MIRROR"
  # The EMR image's user, home and JAVA_HOME layout, written directly so no emulated command runs.
  echo "hadoop:x:999:999:hadoop:/home/hadoop:/bin/bash" >>"$rootfs/etc/passwd"
  echo "hadoop:x:999:" >>"$rootfs/etc/group"
  echo "hadoop:!:19000:0:99999:7:::" >>"$rootfs/etc/shadow"
  install -d -o 999 -g 999 "$rootfs/home/hadoop"
  ln -s "java-17-openjdk-$arch" "$rootfs/usr/lib/jvm/jre-17"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -cf "$WORK/rootfs-$arch.tar.partial" . && mv "$WORK/rootfs-$arch.tar.partial" "$WORK/rootfs-$arch.tar"
  rm -rf "$rootfs"
}

STAND_IN_CONTAINERFILE='FROM scratch
ADD rootfs.tar /
COPY emr/ /
ENV JAVA_HOME=/usr/lib/jvm/jre-17 SPARK_HOME=/usr/lib/spark PATH=/usr/lib/spark/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER hadoop:hadoop
WORKDIR /home/hadoop
ENTRYPOINT ["/usr/bin/entrypoint.sh"]'

# What the stand-in image is made of: the root file system, the pom, every file's name and size
# (versions are in the jars' names) and the content of the others, the Containerfile
stand_in_digest() {
  {
    stat -c '%s %Y' "$WORK/rootfs-$1.tar"
    cat "$STAND_IN/pom.xml"
    (cd "$WORK/stand-in/root" && find . -printf '%P %s %l\n' | sort && find . -type f ! -name '*.jar' | sort | xargs cat)
    echo "$STAND_IN_CONTAINERFILE"
  } | sha256sum | cut -c1-16
}

# Built again only when its digest changes, as a base image is pulled again only when it changes
stand_in_image() {
  local arch="$1" context="$WORK/stand-in/context-$1" image="localhost/emr-stand-in:$EMR_RELEASE-$1" digest
  digest="$(stand_in_digest "$arch")"
  if [[ "$(config '{{index .OCIv1.Config.Labels "dev.sparkjobs.stand-in.digest"}}' "$image" 2>/dev/null)" == "$digest" ]]; then
    step "stand-in EMR $EMR_RELEASE base image ($arch): unchanged, $image (digest $digest)"
    return
  fi
  step "stand-in EMR $EMR_RELEASE base image ($arch)"
  rm -rf "$context" && mkdir -p "$context"
  ln "$WORK/rootfs-$arch.tar" "$context/rootfs.tar"
  cp -al "$WORK/stand-in/root" "$context/emr"
  echo "$STAND_IN_CONTAINERFILE" >"$context/Containerfile"
  logged "building the stand-in base image ($arch)" "$LOGS/$arch/stand-in-build.log" \
    "${BUILDAH[@]}" build --isolation chroot --platform "linux/$arch" --label "dev.sparkjobs.stand-in.digest=$digest" -t "$image" "$context"
  rm -rf "$context"
}

job_image() {
  local arch="$1"
  step "docker/Dockerfile on the stand-in base ($arch)"
  logged "building docker/Dockerfile ($arch)" "$LOGS/$arch/image-build.log" \
    "${BUILDAH[@]}" build --isolation chroot --platform "linux/$arch" -f "$ROOT/docker/Dockerfile" \
    --build-arg BASE_IMAGE="localhost/emr-stand-in:$EMR_RELEASE-$arch" --build-arg REVISION="$REVISION" --build-arg VERSION=test \
    -t "$(image_name "$arch")" "$ROOT"
}

image_name() { echo "localhost/spark-jobs:test-$1"; }

config() { "${BUILDAH[@]}" inspect --type image --format "$1" "$2"; }

check() { if [[ "$2" == "$3" ]]; then echo "  PASS $1: $2"; else fail "$1 is '$2', expected '$3'"; fi; }

validate_config() {
  local arch="$1" image
  image="$(image_name "$1")"
  step "image config checks, as the EMR custom-image validator does them ($arch)"
  local env
  env="$(config '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$image")"
  check "user" "$(config '{{.OCIv1.Config.User}}' "$image")" "hadoop:hadoop"
  check "working directory" "$(config '{{.OCIv1.Config.WorkingDir}}' "$image")" "/home/hadoop"
  check "entrypoint" "$(config '{{.OCIv1.Config.Entrypoint}}' "$image")" '[/usr/bin/entrypoint.sh]'
  check "SPARK_HOME" "$(grep '^SPARK_HOME=' <<<"$env" | cut -d= -f2-)" "/usr/lib/spark"
  check "JAVA_HOME set" "$(grep -c '^JAVA_HOME=/' <<<"$env")" "1"
  check "SPARK_JOBS_CONF_DIR" "$(grep '^SPARK_JOBS_CONF_DIR=' <<<"$env" | cut -d= -f2-)" "/opt/spark-jobs/conf"
  check "architecture" "$(config '{{.OCIv1.Architecture}}' "$image")" "$arch"
  for label in version revision source; do
    [[ -n "$(config "{{index .OCIv1.Config.Labels \"org.opencontainers.image.$label\"}}" "$image")" ]] || fail "label org.opencontainers.image.$label is missing"
  done
  echo "  PASS OCI labels: $(config '{{range $key, $value := .OCIv1.Config.Labels}}{{$key}}={{$value}} {{end}}' "$image")"
}

# --- inside the image --------------------------------------------------------------------------------

# As in a pod, the container's host name resolves (/etc/hosts): Spark looks it up, for one, when it
# copies AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY into the Hadoop configuration.
CONTAINER_HOSTNAME=spark-jobs-image-test

open_container() {
  CONTAINER="$("${BUILDAH[@]}" from --quiet --pull-never --platform "linux/$1" --add-host "$CONTAINER_HOSTNAME:127.0.0.1" "$(image_name "$1")")"
}

# The runs here are short: like bin/spark-jobs, their JVMs stop at the C1 compiler unless
# SPARK_JOBS_IMAGE_TEST_JIT=full. C2's compiles cost more than they save in short runs on 2 cores,
# and far more under qemu (the README has the figures). The rendered command itself is run as it is.
if [[ "${SPARK_JOBS_IMAGE_TEST_JIT:-quick}" == full ]]; then
  JIT_OPTIONS=""
else
  JIT_OPTIONS="-XX:TieredStopAtLevel=1"
fi

# inside COMMAND...: runs in the open container, as its user hadoop, on the host's network
inside() {
  "${BUILDAH[@]}" run --isolation chroot --hostname "$CONTAINER_HOSTNAME" "$CONTAINER" -- \
    env SPARK_LOCAL_IP=127.0.0.1 ${JIT_OPTIONS:+JAVA_TOOL_OPTIONS=$JIT_OPTIONS} "$@"
}

# inside_s3 COMMAND...: inside, with S3Proxy's keys where the AWS SDK's default chain finds them
inside_s3() { inside AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" "$@"; }

check_files() {
  step "inside the image ($ARCH): user, files and EMR $EMR_RELEASE's versions"
  inside sh -c 'id; test "$(id -u)" = 999; test -x /usr/bin/entrypoint.sh; test -r /opt/spark-jobs/spark-jobs.jar;
    test -r /opt/spark-jobs/conf/application.conf; ! test -w /opt/spark-jobs/spark-jobs.jar'
  local missing misplaced
  missing="$(inside sh -c 'for file; do test -r "$file" || echo "$file"; done' sh \
    "/usr/lib/spark/jars/spark-core_2.12-$SPARK_VERSION.jar" "/usr/lib/spark/jars/hadoop-client-api-$HADOOP_VERSION.jar" \
    "/usr/lib/spark/jars/hadoop-client-runtime-$HADOOP_VERSION.jar" "/usr/lib/hadoop/hadoop-aws-$HADOOP_VERSION.jar" /usr/lib/hadoop/hadoop-aws.jar \
    "/usr/share/aws/aws-java-sdk-v2/bundle-$SDK_VERSION.jar" /usr/share/aws/delta/lib/delta-spark.jar /usr/share/aws/delta/lib/delta-storage.jar)"
  [[ -z "$missing" ]] || fail "missing in the stand-in base ($ARCH): $missing"
  misplaced="$(inside sh -c 'ls /usr/lib/spark/jars | grep -E "^(hadoop-aws|bundle|s3|sts|delta)-" || true')"
  [[ -z "$misplaced" ]] || fail "S3A, the SDK or Delta is in /usr/lib/spark/jars, where EMR does not put it: $misplaced"
  echo "  PASS Spark $SPARK_VERSION, Hadoop $HADOOP_VERSION, AWS SDK v2 $SDK_VERSION, Delta $DELTA_VERSION in EMR's folders"
  inside grep '^spark\.\(driver\|executor\)\.extraClassPath' /usr/lib/spark/conf/spark-defaults.conf
  inside java -version
}

check_list() {
  step "inside the image ($ARCH): spark-jobs list"
  local out="$LOGS/$ARCH/list.out" err="$LOGS/$ARCH/list.err"
  inside spark-jobs list 2>"$err" | tee "$out" || { tail -40 "$err" >&2; fail "spark-jobs list inside the image failed (log: $err)"; }
  grep -q '^smoke-test ' "$out" || fail "spark-jobs list inside the image does not list smoke-test (log: $out)"
}

# render_inside JOB ARGS...: the spark-submit command that 'render spark-submit --master local[2]' prints in the image
render_inside() {
  local log="$LOGS/$ARCH/render-$1.err"
  inside spark-jobs render spark-submit "$1" --date "$RUN_DATE" --env local --master 'local[2]' "${@:2}" 2>"$log" \
    || { cat "$log" >&2; fail "render spark-submit $1 inside the image failed (log: $log)"; }
}

# submit_on_s3 JOB COMMAND: runs a rendered command in the image, the S3 keys in its environment;
# checks that it succeeded and that its driver's class path is the one spark-defaults asks for
submit_on_s3() {
  local job="$1" command="$2" out="$LOGS/$ARCH/$1.out" err="$LOGS/$ARCH/$1.err"
  [[ "$command" != *"$S3_SECRET_KEY"* ]] || fail "the rendered $job command holds the S3 secret key"
  echo "$command"
  inside_s3 SPARK_PRINT_LAUNCH_COMMAND=1 bash -c "$command" 2>"$err" | tee "$out" \
    || { tail -40 "$err" >&2; fail "the $job run inside the image failed (log: $err)"; }
  grep -q "^$job succeeded" "$out" || fail "the $job run did not report success (log: $out)"
  grep '^Spark Command: ' "$err" | grep -qF "/bin/java $CLASS_PATH_PREFIX " \
    || fail "the $job driver's class path does not start with spark-defaults' spark.driver.extraClassPath: $(grep '^Spark Command' "$err" || echo 'no launch command printed') (log: $err)"
  echo "  PASS the driver's class path: ${CLASS_PATH_PREFIX#-cp }"
}

# The lake is on S3Proxy on both architectures: under qemu, a local lake also means a chmod process
# per file Hadoop writes (no native library), and a fork of the emulated JVM has hung there.
smoke_test() {
  step "inside the image ($ARCH): smoke-test through the rendered spark-submit command, lake on S3"
  local command lake="s3a://$S3_BUCKET/$ARCH/smoke"
  command="$(render_inside smoke-test --set "output.root=$lake" "${S3_SETTINGS[@]}")"
  submit_on_s3 smoke-test "$command"
  s3_has_table "$lake" smoke_test
}

# --- cost-analysis on S3 inside the image against the same run outside it -----------------------

sample_input() {
  step "cost-analysis sample data (bin/spark-jobs sample-data), uploaded to s3://$S3_BUCKET/cur/billing/"
  local folder="$WORK/compare"
  rm -rf "$folder" && mkdir -p "$folder"
  logged "sample-data cost-analysis" "$LOGS/sample-data.log" \
    env SPARK_JOBS_NO_BUILD=1 "$ROOT/bin/spark-jobs" sample-data cost-analysis --out "$folder/input" --scale 3000
  head -1 "$LOGS/sample-data.log"
  logged "uploading the sample data" "$LOGS/s3-upload.log" \
    s3 cp --recursive --exclude '*.crc' "$folder/input/billing" "s3://$S3_BUCKET/cur/billing/"
  s3 ls --recursive "s3://$S3_BUCKET/cur/"
}

cost_analysis_on_s3() {
  step "inside the image ($ARCH): cost-analysis from and to S3 through the rendered spark-submit command"
  local command lake="s3a://$S3_BUCKET/$ARCH/lake"
  command="$(render_inside cost-analysis --set "input.billing=s3a://$S3_BUCKET/cur/billing" \
    --set "output.root=$lake" --set scope=all "${S3_SETTINGS[@]}")"
  submit_on_s3 cost-analysis "$command"
  s3_has_table "$lake" "$COMPARED_TABLE"

  step "inside the image ($ARCH): spark-jobs export $lake/$COMPARED_TABLE"
  local log="$LOGS/$ARCH/export.err"
  inside_s3 spark-jobs export "$lake/$COMPARED_TABLE" --format csv --out "/tmp/export/$COMPARED_TABLE.csv" "${S3_SETTINGS[@]}" 2>"$log" \
    || { tail -40 "$log" >&2; fail "the export inside the image failed (log: $log)"; }
  inside cat "/tmp/export/$COMPARED_TABLE.csv" >"$WORK/compare/$COMPARED_TABLE-image-s3.csv"
}

cost_analysis_outside() {
  local folder="$WORK/compare"
  logged "cost-analysis outside the image" "$LOGS/outside-cost-analysis.log" \
    env SPARK_JOBS_NO_BUILD=1 SPARK_JOBS_CDS=0 "$ROOT/bin/spark-jobs" run cost-analysis --date "$RUN_DATE" \
    --set "input.billing=file:$folder/input/billing" --set "output.root=$folder/lake" --set scope=all
  grep '^cost-analysis succeeded' "$LOGS/outside-cost-analysis.log"
  logged "the export outside the image" "$LOGS/outside-export.log" \
    env SPARK_JOBS_NO_BUILD=1 "$ROOT/bin/spark-jobs" export "$folder/lake/$COMPARED_TABLE" --format csv --out "$folder/$COMPARED_TABLE-outside.csv"
  tail -1 "$LOGS/outside-export.log"
}

# The run outside the image needs neither the image nor S3: it runs in the background meanwhile
start_outside_run() {
  step "outside the image, in the background: the same cost-analysis run on the same input (bin/spark-jobs, local master)"
  cost_analysis_outside >"$LOGS/outside.log" 2>&1 &
  OUTSIDE_PID=$!
}

finish_outside_run() {
  step "outside the image: the comparison run"
  local status=0
  wait "$OUTSIDE_PID" || status=$?
  OUTSIDE_PID=""
  cat "$LOGS/outside.log"
  ((status == 0)) || fail "the cost-analysis run outside the image failed (log: $LOGS/outside.log)"
}

stop_outside_run() {
  [[ -n "$OUTSIDE_PID" ]] || return 0
  kill $(pgrep -P "$OUTSIDE_PID") "$OUTSIDE_PID" 2>/dev/null || true
  wait "$OUTSIDE_PID" 2>/dev/null || true
  OUTSIDE_PID=""
}

compare_exports() {
  step "$COMPARED_TABLE: inside the image on S3 against outside the image on local files"
  local image="$WORK/compare/$COMPARED_TABLE-image-s3.csv" outside="$WORK/compare/$COMPARED_TABLE-outside.csv"
  echo "  inside the image, on S3:  $(($(wc -l <"$image") - 1)) rows ($image)"
  echo "  outside, on local files:  $(($(wc -l <"$outside") - 1)) rows ($outside)"
  (($(wc -l <"$image") > 1)) || fail "the export of $COMPARED_TABLE inside the image has no rows"
  if cmp -s "$image" "$outside"; then
    echo "  PASS equal: the two exports are byte for byte the same"
  else
    diff "$image" "$outside" | head -20 >&2
    fail "the exports of $COMPARED_TABLE differ: $image against $outside"
  fi
}

# --- main --------------------------------------------------------------------------------------------

# cost-analysis on S3 and its comparison run outside the image go with the amd64 image
# (native on the usual machine: under qemu that run would take longer than all the rest)
runs_amd64() { [[ " ${ARCHES[*]} " == *" amd64 "* ]]; }

test_arch() {
  ARCH="$1"
  local started=$SECONDS
  rm -rf "$LOGS/$ARCH" && mkdir -p "$LOGS/$ARCH"
  stand_in_rootfs "$ARCH"
  stand_in_image "$ARCH"
  job_image "$ARCH"
  validate_config "$ARCH"
  open_container "$ARCH"
  check_files
  check_list
  if [[ "$ARCH" == "$HOST_ARCH" || "${SPARK_JOBS_IMAGE_EMULATED_JOBS:-1}" == 1 ]]; then
    smoke_test
  else
    step "inside the image ($ARCH): smoke-test under emulation skipped (SPARK_JOBS_IMAGE_EMULATED_JOBS=0); java -version and spark-jobs list ran"
  fi
  if [[ "$ARCH" == amd64 ]]; then
    cost_analysis_on_s3
  fi
  close_container
  "${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true
  step "image for $ARCH passed in $((SECONDS - started)) s"
}

case "${1:-amd64}" in
  amd64) ARCHES=(amd64) ;;
  arm64) ARCHES=(arm64) ;;
  all) ARCHES=(amd64 arm64) ;;
  *) echo "usage: $0 [amd64|arm64|all]" >&2; exit 2 ;;
esac
[[ $(id -u) == 0 ]] || fail "run as root: buildah with vfs storage and debootstrap need it (e.g. sudo $0 $*)"
mkdir -p "$WORK" "$LOGS"
exec 9>"$WORK/.lock"
flock -n 9 || fail "another run of $0 uses $WORK; wait for it or set SPARK_JOBS_IMAGE_TEST_DIR to another folder"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
REVISION="${SPARK_JOBS_IMAGE_REVISION:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"

install_tools
# what an interrupted run left behind (the storage is this work folder's own)
"${BUILDAH[@]}" rm --all >/dev/null 2>&1 || true
"${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true
# The root file systems first: mostly downloads and unpacking, they overlap well with a build running
# next to this script (.ci/run runs the Maven tests meanwhile)
for arch in "${ARCHES[@]}"; do
  stand_in_rootfs "$arch"
done
build_application
stand_in_jars
start_s3proxy
if runs_amd64; then
  sample_input
  start_outside_run
fi
for arch in "${ARCHES[@]}"; do
  test_arch "$arch"
done
stop_s3proxy
if runs_amd64; then
  finish_outside_run
  compare_exports
fi
echo "All image checks passed for: ${ARCHES[*]} (in ${SECONDS}s)"
