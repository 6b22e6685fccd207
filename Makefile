# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of the scard modules and tools.
#
#   make [KDIR=/path/to/kernel/build]   build the modules
#   make tools                          build scardctl, libscard, selftests
#   make host-check                     host-side tests (uapi header, tools,
#                                       a short pass of every fuzz target)
#   make fuzz [FUZZ_SECONDS=60]         run each fuzz target that long (clang)
#   make check                          every test, in VMs (see README)
#   make demo                           boot a VM and show scardctl at work

KDIR ?= /lib/modules/$(shell uname -r)/build
SCARD_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# The KUnit suites only exist for kernels built with CONFIG_KUNIT.
SCARD_KUNIT := $(shell grep -qs '^CONFIG_KUNIT=y' $(KDIR)/.config && echo m)

KBUILD_ARGS := SCARD_ROOT=$(SCARD_ROOT) CONFIG_SCARD=m CONFIG_SCARD_CCID=m \
	       CONFIG_SCARD_VPROXY=m CONFIG_SCARD_SERIAL=m \
	       CONFIG_SCARD_KUNIT_TEST=$(SCARD_KUNIT)

.PHONY: all modules modules_install clean tools host-check fuzz check demo

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) \
		modules_install

tools:
	$(MAKE) -C tools/lib/scard
	$(MAKE) -C tools/scard
	$(MAKE) -C tools/pcsc
	$(MAKE) -C tools/testing/selftests/scard
	$(MAKE) -C tools/testing/cards

host-check:
	$(MAKE) -C tools/testing/host run

# libFuzzer targets built from drivers/scard (tools/testing/fuzz), one
# after the other, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C tools/testing/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	-$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) clean
	-$(MAKE) -C tools/lib/scard clean
	-$(MAKE) -C tools/scard clean
	-$(MAKE) -C tools/pcsc clean
	-$(MAKE) -C tools/testing/selftests/scard clean
	-$(MAKE) -C tools/testing/fuzz clean

# Test harness (tools/testing/vm): every test on both kernels in QEMU, and the
# interactive demo. CHECK_ARGS: e.g. "--kernel 6.1 --keep-going"
# (tools/testing/vm/run-tests --help).
check:
	$(SCARD_ROOT)/tools/testing/vm/run-tests $(CHECK_ARGS)

demo:
	$(SCARD_ROOT)/tools/testing/vm/demo
