print("fedz-node")
