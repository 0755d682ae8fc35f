package web

func (s *Server) registerAttendanceRoutes() {}
