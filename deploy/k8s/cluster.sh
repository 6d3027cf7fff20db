#!/usr/bin/env bash
# A private single-node Kubernetes for the k8s test tier, in a network namespace of its own.
#   deploy/k8s/cluster.sh up        start it (etcd, apiserver, controller-manager, scheduler,
#                                   containerd + runc, kubelet, kube-proxy, CoreDNS, metrics-server)
#   deploy/k8s/cluster.sh down      stop everything it started and remove its state
#   deploy/k8s/cluster.sh import <docker-archive.tar>   load an image into the node's containerd
#   deploy/k8s/cluster.sh exec <cmd…>                   run a command in the cluster's netns
#                                                        (kubectl, helm: KUBECONFIG is set)
# Everything runs inside the network namespace `$K8S_NETNS` (default bounded-k8s): the node's
# address (10.255.255.1, on that namespace's loopback device), the pods' bridge, the Service IPs
# and kube-proxy's rules exist only there; NodePorts answer on that namespace's 127.0.0.1.
# Nothing listens on the machine's own interfaces and no traffic leaves the machine.
# Binaries: deploy/k8s/tools.sh (built from the Go module proxy when missing); Debian packages
# (etcd-server, containerd, runc, containernetworking-plugins, iptables, openssl) are installed
# with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
K8S_TOOLS=${K8S_TOOLS:-$HOME/.cache/bounded-k8s/bin}
K8S_WORK=${K8S_WORK:-$PWD/.tmp/k8s}
NETNS=${K8S_NETNS:-bounded-k8s}
D=$K8S_WORK/cluster
NODE_IP=10.255.255.1
NODE_NAME=bounded-node
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.0/24
PATH=$K8S_TOOLS:$PATH
export KUBECONFIG=$D/admin.kubeconfig
log() { echo "deploy/k8s/cluster.sh: $*" >&2; }
in_ns() { nsenter --net="/run/netns/$NETNS" "$@"; }

start() { # start <name> <command…>: in the netns, in the background, logs in $D/logs
  local name=$1; shift
  mkdir -p "$D/logs" "$D/pids"
  nsenter --net="/run/netns/$NETNS" "$@" >"$D/logs/$name.log" 2>&1 &
  echo $! >"$D/pids/$name.pid"
}

# A bridge left to itself takes the lowest MAC of its ports, so its MAC changes as pods come and
# go, and pods that cached the old one lose their way to the node for a while (a known trap of
# the CNI bridge). Once the CNI plugin has made the pods' bridge, its MAC is set to the one it has,
# which freezes it. In the background: the bridge appears with the first pod.
freeze_bridge_mac() {
  local mac
  for _ in $(seq 1 900); do
    [ -e "/run/netns/$NETNS" ] || return 0 # torn down before any pod
    mac=$(in_ns ip -o link show bk8s0 2>/dev/null | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2) || true
    if [ -n "$mac" ]; then
      in_ns ip link set bk8s0 address "$mac" && return 0
    fi
    sleep 1
  done
}

wait_for() { # wait_for <what> <seconds> <command…>
  local what=$1 limit=$2; shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - t0 > limit)); then
      log "$what not up after ${limit}s; last log lines:"
      tail -n 15 "$D/logs/"*.log >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

install_packages() {
  local -A probe=([etcd-server]=/usr/bin/etcd [containerd]=/usr/bin/containerd [runc]=/usr/sbin/runc
    [containernetworking-plugins]=/usr/lib/cni/bridge [iptables]=/usr/sbin/iptables [openssl]=/usr/bin/openssl
    [conntrack]=/usr/sbin/conntrack [gcc]=/usr/bin/gcc [libc6-dev]=/usr/lib/x86_64-linux-gnu/libc.a
    [buildah]=/usr/bin/buildah [util-linux]=/usr/bin/nsenter)
  local missing=()
  for pkg in "${!probe[@]}"; do [ -e "${probe[$pkg]}" ] || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then # keep the packages' postinst from starting their system services
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    trap 'rm -f /usr/sbin/policy-rc.d' RETURN
  fi
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2; }
}

certs() {
  local c=$D/pki
  [ -s "$c/admin.crt" ] && return 0
  mkdir -p "$c"
  local key='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'
  openssl req -x509 $key -keyout "$c/ca.key" -out "$c/ca.crt" -days 7 -subj /CN=bounded-k8s-ca 2>/dev/null
  openssl req -x509 $key -keyout "$c/front-proxy-ca.key" -out "$c/front-proxy-ca.crt" -days 7 -subj /CN=front-proxy-ca 2>/dev/null
  sign() { # sign <name> <subject> <ca> [subjectAltName]
    openssl req $key -keyout "$c/$1.key" -out "$c/$1.csr" -subj "$2" 2>/dev/null
    local ext=$c/$1.ext
    { echo "basicConstraints=CA:FALSE"; echo "keyUsage=digitalSignature,keyEncipherment"
      echo "extendedKeyUsage=serverAuth,clientAuth"; [ -n "${4:-}" ] && echo "subjectAltName=$4"; } >"$ext"
    openssl x509 -req -in "$c/$1.csr" -CA "$c/$3.crt" -CAkey "$c/$3.key" -CAcreateserial -days 7 \
      -extfile "$ext" -out "$c/$1.crt" 2>/dev/null
  }
  sign apiserver /CN=kube-apiserver ca \
    "IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign front-proxy-client /CN=front-proxy-client front-proxy-ca
  # One client identity (system:masters) for the control plane, the node, kubectl and helm:
  # a test cluster that lives for one run on one machine.
  sign admin "/O=system:masters/CN=bounded-admin" ca
  openssl ecparam -name prime256v1 -genkey -noout -out "$c/sa.key" 2>/dev/null
  openssl ec -in "$c/sa.key" -pubout -out "$c/sa.pub" 2>/dev/null
  cat >"$D/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: bounded
    cluster: {server: "https://127.0.0.1:6443", certificate-authority: "$c/ca.crt"}
users:
  - name: admin
    user: {client-certificate: "$c/admin.crt", client-key: "$c/admin.key"}
contexts:
  - name: bounded
    context: {cluster: bounded, user: admin, namespace: default}
current-context: bounded
EOF
}

pause_image() { # the sandbox image, built here (no registry): a static binary that waits for a signal
  local tar=$K8S_WORK/images/pause.tar
  [ -s "$tar" ] && return 0
  mkdir -p "$K8S_WORK/images" "$D/pause"
  cat >"$D/pause/pause.c" <<'EOF'
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
static void stop(int s) { (void)s; _exit(0); }
static void reap(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  signal(SIGINT, stop); signal(SIGTERM, stop); signal(SIGCHLD, reap);
  for (;;) pause();
}
EOF
  gcc -O2 -static -o "$D/pause/pause" "$D/pause/pause.c"
  local ctr
  export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
  ctr=$(buildah from scratch)
  buildah copy --chmod 0755 "$ctr" "$D/pause/pause" /pause >/dev/null
  buildah config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
  buildah commit --rm "$ctr" localhost/bounded-pause:1 >/dev/null
  rm -f "$tar"
  buildah push localhost/bounded-pause:1 "docker-archive:$tar:localhost/bounded-pause:1" >/dev/null
}

configs() {
  mkdir -p "$D/cni/net.d" "$D/containerd" "$D/kubelet"
  cat >"$D/containerd/config.toml" <<EOF
version = 2
root = "$D/containerd/root"
state = "$D/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$D/containerd.sock"
[ttrpc]
  address = "$D/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/bounded-pause:1"
  # The sandbox may not lower oom_score_adj (no CAP_SYS_RESOURCE): else every sandbox fails.
  restrict_oom_score_adj = true
  # The pods' network namespaces under the state folder (not /run/netns): down removes them with it.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni/net.d"
EOF
  cat >"$D/cni/net.d/10-bounded.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "bounded", "plugins": [
  {"type": "bridge", "bridge": "bk8s0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$D/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}
]}
EOF
  echo "nameserver $NODE_IP" >"$D/resolv.conf"
  cat >"$D/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$D/containerd.sock
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $D/pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: $D/resolv.conf
# The disk is shared with other work: evict only when it is really full.
evictionHard: {memory.available: 200Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 110
syncFrequency: 10s
podLogsDir: $D/pod-logs
EOF
  cat >"$D/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 {
  errors
  kubernetes cluster.local in-addr.arpa {
    kubeconfig $D/admin.kubeconfig
    pods insecure
  }
  cache 5
}
.:53 {
  errors
}
EOF
}

up() {
  if [ -e "/run/netns/$NETNS" ] && [ -s "$D/pids/kubelet.pid" ] && kill -0 "$(cat "$D/pids/kubelet.pid")" 2>/dev/null; then
    log "already up"; return 0
  fi
  down quiet
  local t0=$SECONDS
  install_packages
  [ "${K8S_SKIP_TOOLS:-}" = 1 ] || bash deploy/k8s/tools.sh
  mkdir -p "$D"
  certs
  pause_image
  configs
  ip netns add "$NETNS"
  in_ns ip link set lo up
  in_ns ip addr add "$NODE_IP/32" dev lo
  in_ns sysctl -qw net.ipv4.ip_forward=1
  freeze_bridge_mac &
  local c=$D/pki
  start etcd etcd --name bounded --data-dir "$D/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster bounded=http://127.0.0.1:2380
  start containerd containerd --config "$D/containerd/config.toml"
  wait_for etcd 30 in_ns curl -sf http://127.0.0.1:2379/health
  start kube-apiserver kube-apiserver --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=127.0.0.1 --secure-port=6443 --advertise-address=$NODE_IP \
    --service-cluster-ip-range=$SERVICE_CIDR --allow-privileged=true \
    --client-ca-file="$c/ca.crt" --tls-cert-file="$c/apiserver.crt" --tls-private-key-file="$c/apiserver.key" \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$c/sa.pub" \
    --service-account-signing-key-file="$c/sa.key" --authorization-mode=Node,RBAC \
    --kubelet-client-certificate="$c/admin.crt" --kubelet-client-key="$c/admin.key" \
    --requestheader-client-ca-file="$c/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group \
    --requestheader-username-headers=X-Remote-User --proxy-client-cert-file="$c/front-proxy-client.crt" \
    --proxy-client-key-file="$c/front-proxy-client.key" --enable-aggregator-routing=true \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --profiling=false
  wait_for kube-apiserver 90 in_ns kubectl get --raw /readyz
  start kube-controller-manager kube-controller-manager --kubeconfig="$KUBECONFIG" \
    --authentication-kubeconfig="$KUBECONFIG" --authorization-kubeconfig="$KUBECONFIG" \
    --bind-address=127.0.0.1 --leader-elect=false --service-account-private-key-file="$c/sa.key" \
    --root-ca-file="$c/ca.crt" --use-service-account-credentials=false \
    --horizontal-pod-autoscaler-sync-period=5s --profiling=false
  start kube-scheduler kube-scheduler --kubeconfig="$KUBECONFIG" --authentication-kubeconfig="$KUBECONFIG" \
    --authorization-kubeconfig="$KUBECONFIG" --bind-address=127.0.0.1 --leader-elect=false --profiling=false
  wait_for containerd 30 test -S "$D/containerd.sock"
  in_ns ctr --address "$D/containerd.sock" -n k8s.io images import --no-unpack=false "$K8S_WORK/images/pause.tar" >/dev/null
  start kubelet kubelet --config="$D/kubelet/config.yaml" --kubeconfig="$KUBECONFIG" \
    --root-dir="$D/kubelet/root" --cert-dir="$D/kubelet/pki" --node-ip=$NODE_IP --hostname-override=$NODE_NAME
  start kube-proxy kube-proxy --kubeconfig="$KUBECONFIG" --hostname-override=$NODE_NAME \
    --proxy-mode=iptables --nodeport-addresses=127.0.0.0/8 --cluster-cidr=10.244.0.0/16 \
    --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256 --conntrack-max-per-core=0
  start coredns coredns -conf "$D/Corefile"
  mkdir -p "$D/metrics-server"
  command -v metrics-server >/dev/null || log "WARNING: no metrics-server binary: HPAs will not scale"
  command -v metrics-server >/dev/null && start metrics-server metrics-server --kubeconfig="$KUBECONFIG" --authentication-kubeconfig="$KUBECONFIG" \
    --authorization-kubeconfig="$KUBECONFIG" --bind-address=$NODE_IP --secure-port=4443 \
    --cert-dir="$D/metrics-server" --kubelet-insecure-tls --kubelet-preferred-address-types=InternalIP \
    --metric-resolution=10s --kubelet-request-timeout=5s
  in_ns kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system}
spec: {ports: [{name: https, port: 443, targetPort: 4443}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: metrics-server, namespace: kube-system}
subsets: [{addresses: [{ip: $NODE_IP}], ports: [{name: https, port: 4443}]}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  service: {name: metrics-server, namespace: kube-system, port: 443}
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
EOF
  wait_for "node Ready" 120 in_ns kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s
  wait_for "default service account" 60 in_ns kubectl get serviceaccount default
  log "up in $((SECONDS - t0)) s (KUBECONFIG=$KUBECONFIG; commands in the netns: $0 exec …)"
}

down() {
  local quiet=${1:-}
  [ -d "$D" ] || [ -e "/run/netns/$NETNS" ] || return 0
  [ -z "$quiet" ] && log "tearing down"
  # Stop the node agents first, so nothing restarts the pods we kill.
  for name in kubelet kube-proxy metrics-server coredns kube-scheduler kube-controller-manager kube-apiserver; do
    local pidf=$D/pids/$name.pid
    [ -s "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null || true
  done
  sleep 1
  # The pods' processes: exactly those in the kubelet's cgroups.
  local pids
  pids=$(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs \
    /sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs 2>/dev/null | sort -u || true)
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
  # containerd's shims for this cluster (they name its socket in their arguments).
  pids=$(ps -eo pid=,args= | awk -v s="$D/containerd.sock" 'index($0, s) && /containerd-shim/ {print $1}')
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
  for name in containerd etcd; do
    local pidf=$D/pids/$name.pid
    [ -s "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null || true
  done
  for name in kubelet kube-proxy metrics-server coredns kube-scheduler kube-controller-manager kube-apiserver containerd etcd; do
    local pidf=$D/pids/$name.pid
    if [ -s "$pidf" ]; then
      local pid; pid=$(cat "$pidf")
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  # Mounts under the cluster's folder (containers' rootfs, pods' volumes), deepest first.
  awk -v d="$D" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done || true
  # The kubelet's cgroups (empty now), deepest first.
  find /sys/fs/cgroup/*/kubepods -depth -type d 2>/dev/null | while read -r g; do rmdir "$g" 2>/dev/null || true; done || true
  [ -e "/run/netns/$NETNS" ] && ip netns del "$NETNS"
  rm -rf "$D"
  [ -z "$quiet" ] && log "down: nothing of the cluster is left running"
  return 0
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  import)
    in_ns ctr --address "$D/containerd.sock" -n k8s.io images import "$2" >/dev/null ;;
  exec) shift; in_ns "$@" ;;
  # For debugging the script itself: the steps before the Kubernetes binaries are needed.
  prepare) install_packages; mkdir -p "$D"; certs; pause_image; configs ;;
  *) echo "usage: $0 up | down | import <archive.tar> | exec <command…>" >&2; exit 2 ;;
esac
