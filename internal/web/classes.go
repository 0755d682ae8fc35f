package web

func (s *Server) registerClassRoutes() {}
