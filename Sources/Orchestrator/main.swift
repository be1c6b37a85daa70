print("fedz")
