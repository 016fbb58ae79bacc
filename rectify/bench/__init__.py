"""`rectify bench`: the measuring code behind `make bench` (issue 8). Not a Django app — a module
the management command imports. Every figure is the median of several runs, with its range and
its ratio to a baseline measured in the same run, so the machine's speed cancels out."""
