// The Actors module; see DESIGN.md §4.
