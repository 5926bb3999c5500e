package skill

import "strconv"

// ImportError reports malformed input data: a line of a ROME release file or
// of the tags file. It names the file and the line so that whoever maintains
// the data can fix it without reading the code.
type ImportError struct {
	File   string // base name of the file
	Line   int    // 1-based line number; 0 when the problem concerns the whole file
	Reason string // what is wrong, in terms of the file's columns
	Err    error  // underlying cause, if any
}

// Error formats the error as "file:line: reason".
func (e *ImportError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	s += ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *ImportError) Unwrap() error { return e.Err }
