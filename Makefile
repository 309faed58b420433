# Vigil - common tasks. `make help` lists them.
# The lab and the bench need root (network namespaces); they say so and stop when run without it.

SHELL := /bin/bash
MVNW  := ./mvnw -B
JAR   := target/quarkus-app/quarkus-run.jar
# Installs the Debian packages a target needs when they are missing (root on Debian; lists them otherwise).
DEPS  := deploy/setup/deps.sh
# Extra Maven flags for `make test`, e.g. TEST_FLAGS='-Dtest=HaCfTest -Dit.test=TutorialIT -Dsurefire.failIfNoSpecifiedTests=false'
TEST_FLAGS ?=

.PHONY: help build aot test run lab lab-down vm-lab vm-lab-down test-vm test-slow pacemaker-lab pacemaker-migration bench bench-quick deb deb-test clean

help: ## list the targets
	@echo "Vigil make targets:"
	@awk -F':.*## ' '/^[a-z-]+:.*## / { printf "  make %-20s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo
	@echo "Knobs: LAB_IMPL=vigil|heartbeat|keepalived (LAB_IMPL_linux1/LAB_IMPL_linux2 per node), LAB_PROFILE=tutorial|fast,"
	@echo "       RUNS, PROFILES, IMPLS, SCENARIOS, STRESS_MINUTES, BENCH_QUICK=1 (see docs/lab.md, docs/performance.md)"
	@echo "       TEST_FLAGS (extra Maven flags for make test), VMLAB_* (the VM lab, see docs/lab.md)"

build: ## compile and package Vigil (target/quarkus-app/quarkus-run.jar), tests skipped; installs a JDK if none
	@$(DEPS) build
	$(MVNW) package -DskipTests
	@$(MAKE) --no-print-directory aot

aot: ## with Java >= 25: the ahead-of-time class cache the launcher uses (~0.3 s faster start-up)
	@VIGIL_AOT_TRAIN=1 deploy/bin/vigil

test: ## the tests CI runs: ./mvnw verify (ITs tagged slow left out), then the .deb installed and tried (root); installs what they need (root, Debian)
	@$(DEPS) test
	$(MVNW) verify $(TEST_FLAGS)
	@if [ "$$(id -u)" = 0 ]; then deploy/deb/test-deb.sh; else echo "make test: the package test (deploy/deb/test-deb.sh) needs root: not run"; fi

test-slow: ## the ITs tagged slow, left out of `make test` for CI's time budget (root)
	@$(DEPS) test
	$(MVNW) verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dgroups=slow -Dvigil.it.excludedGroups=none $(TEST_FLAGS)

run: lab ## same as `make lab`

lab: ## two-node demo in namespaces: VIP on linux1, crash linux1, VIP on linux2, failback, timeline (root)
	@$(DEPS) lab
	@deploy/lab/lab.sh demo

lab-down: ## remove the lab's namespaces and processes (safe at any time, also after a failure)
	@deploy/lab/lab.sh down

vm-lab: ## two Debian VMs (QEMU): the .deb under systemd, power-off of linux1, failover, failback, timeline (root)
	@$(DEPS) vm-lab
	@$(MAKE) --no-print-directory deb
	@deploy/vmlab/vmlab.sh demo

vm-lab-down: ## stop the VMs and remove the VM lab's namespaces (safe at any time); the image cache stays
	@deploy/vmlab/vmlab.sh down

test-vm: ## the VM lab's story and scenarios (upgrade, remove/purge, fencing, reboot, watchdogs), PASS/FAIL (root)
	@$(DEPS) vm-lab
	@$(MAKE) --no-print-directory deb
	@deploy/vmlab/vmlab.sh test

pacemaker-lab: ## tutorial exported to Corosync+Pacemaker on 2 and 3 nodes: crash, failback, beside Vigil (root, ~10 min)
	@$(DEPS) test
	@deploy/pacemaker/pm-lab.sh demo

pacemaker-migration: ## a live Vigil pair moved to Pacemaker with the shortest outage, and back (root, ~3 min)
	@$(DEPS) test
	@deploy/pacemaker/pm-lab.sh migrate

bench: ## Vigil vs Heartbeat 3.0.6 vs keepalived 2.2.7 -> docs/performance.md + .png (root, about 50 min)
	@deploy/bench/bench.sh

bench-quick: ## smoke run of the bench: 1 run, tutorial profile, 1 minute of stress
	@BENCH_QUICK=1 deploy/bench/bench.sh

deb: build ## Debian package target/vigil_<version>_all.deb
	@deploy/deb/build-deb.sh

deb-test: build ## install the .deb with dpkg -i, start the installed daemon in a namespace, remove it (root)
	@deploy/deb/test-deb.sh

clean: ## remove build output (target/) and a leftover lab
	$(MVNW) -q clean
	@if [ "$$(id -u)" = 0 ]; then deploy/lab/lab.sh down >/dev/null 2>&1 || true; deploy/vmlab/vmlab.sh down >/dev/null 2>&1 || true; deploy/pacemaker/pm-lab.sh down >/dev/null 2>&1 || true; fi
