// The Learning module; see DESIGN.md §4.
