CREATE TABLE big (a int, b int, c int);
