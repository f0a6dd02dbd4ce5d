# List the texts of a GDSII layout on the text layer (63/0), read by
# KLayout independently of pnstudio's own reader (run by test-layout):
#   klayout -b -r texts.rb -rd input=F.gds
# Prints "cells N", then "text LENGTH STRING" per text and "texts N".

ly = RBA::Layout.new
ly.read($input)
puts "cells #{ly.cells}"
n = 0
ly.top_cell.shapes(ly.layer(63, 0)).each do |s|
  next unless s.is_text?
  n += 1
  puts "text #{s.text_string.length} #{s.text_string}"
end
puts "texts #{n}"
