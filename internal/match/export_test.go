package match

func Dbg() (int, int, int) { return dbgCands, dbgWords, dbgEvals }
func DbgReset()           { dbgCands, dbgWords, dbgEvals = 0, 0, 0 }
