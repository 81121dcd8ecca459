"""A second sample snippet file, to check that an edit re-runs only one file."""

if __name__ == "__main__":  # run as a script: print each section's output in turn
    from docexec.standalone import run_sections
    run_sections(__file__)

# --8<-- [start:count]
print(sum(range(10)))
# --8<-- [end:count]
