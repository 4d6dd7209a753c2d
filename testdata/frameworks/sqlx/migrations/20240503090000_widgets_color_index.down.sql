DROP INDEX widgets_color_idx;
