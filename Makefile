# sluice -- build, run and test.
#
#   make            build build/sluiced (the registry) and build/sluice (the CLI)
#   make run        build the registry, then serve on http://localhost:8081 with the store in ./var/
#   make test       build, then run every test under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmarks (tests/bench/), on the optimized build
#   make fuzz       every libFuzzer target (tests/fuzz/) for FUZZ_SECONDS (60) each, with clang
#   make install    sluiced, sluice, the systemd unit and the docs under PREFIX (/usr/local),
#                   staged under DESTDIR when set; make install-cli: sluice alone
#
# Missing Debian packages are installed by scripts/deps.sh (as root) or named with the command
# to run. Every directory's sources are picked up by wildcard: adding a file needs no edit here.

# Make reads a makefile before running any recipe, so whatever it learns from the system when
# reading (pkg-config flags, which .proto files /usr/include holds) would be stale on a machine
# whose packages the first recipe installs. The outer make therefore only installs the packages
# that the goals need, then runs make again on build.mk, which reads a system that is complete.
GOALS := $(or $(MAKECMDGOALS),all)

deps_level = $(if $(filter bench,$(GOALS)),bench,$(if $(filter fuzz,$(GOALS)),fuzz,\
             $(if $(filter test unit,$(GOALS)),test,build)))

.PHONY: $(GOALS)
$(firstword $(GOALS)):
	@$(if $(filter-out clean,$(GOALS)),scripts/deps.sh $(deps_level))
	@$(MAKE) --no-print-directory -f build.mk $(GOALS)

$(filter-out $(firstword $(GOALS)),$(GOALS)):
	@:
