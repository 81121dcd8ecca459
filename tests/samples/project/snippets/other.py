"""A second sample snippet file, to check that an edit re-runs only one file."""

# --8<-- [start:count]
print(sum(range(10)))
# --8<-- [end:count]
