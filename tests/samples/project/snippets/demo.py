"""A sample snippet file."""

import torch

# --8<-- [start:hello]
print(torch.arange(3))
print("<script>alert(1)</script>")
# --8<-- [end:hello]

# --8<-- [start:oops]
torch.ones(12).reshape(5, -1)
# --8<-- [end:oops]

# --8<-- [start:after]
print("still running after the error")
# --8<-- [end:after]
