// The Federation module; see DESIGN.md §4.
