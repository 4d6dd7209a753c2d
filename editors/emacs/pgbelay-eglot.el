;;; pgbelay-eglot.el --- pgbelay language server for Emacs with Eglot -*- lexical-binding: t -*-

;; Load from your init file:  (load "/path/to/pgbelay/editors/emacs/pgbelay-eglot.el")
;; Eglot is built into Emacs 29; on older Emacs install it from GNU ELPA.

(require 'eglot)

(add-to-list 'eglot-server-programs
             '(sql-mode . ("pgbelay" "lsp"
                           ;; initializationOptions (optional)
                           :initializationOptions (:pgVersion 15))))

(add-hook 'sql-mode-hook #'eglot-ensure)

(provide 'pgbelay-eglot)
;;; pgbelay-eglot.el ends here
