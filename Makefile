# Shortcuts for the scripts in bin/ (the README shows the scripts themselves).
.PHONY: run test setup services
run:
	./bin/run
test:
	./bin/test
setup:
	./bin/setup
services:
	./bin/services
