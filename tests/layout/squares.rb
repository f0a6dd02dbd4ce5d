# Extract each printed resistor's squares from a GDSII layout, independently
# of pnstudio's own arithmetic (run by test-layout):
#   klayout -b -r squares.rb -rd input=F.gds -rd width=20
# The body of a resistor is the ink (layer 6/0) outside the conductor
# (1/0); a label (63/0) inside a body names it. Squares: a 4-cornered body
# (current from bottom to top contact) height / width; a meander (ink
# width w) area / w^2 with every 90-degree corner square counted 0.56
# instead of 1: a body polygon of V vertices turns (V - 4) / 2 corners.
# Prints "designator squares" per resistor.

ly = RBA::Layout.new
ly.read($input)
top = ly.top_cell
dbu = ly.dbu
w = $width.to_f
ink = RBA::Region.new(top.begin_shapes_rec(ly.layer(6, 0)))
con = RBA::Region.new(top.begin_shapes_rec(ly.layer(1, 0)))
body = (ink - con).merged
polys = body.each.to_a
boxes = polys.map { |p| p.bbox }
top.shapes(ly.layer(63, 0)).each do |s|
  next unless s.is_text?
  pt = s.text_trans.disp
  pt = RBA::Point.new(pt.x, pt.y)
  polys.each_with_index do |p, i|
    next unless boxes[i].contains?(pt) && p.inside?(pt)
    n = p.num_points_hull
    if n == 4
      b = p.bbox
      sq = b.height.to_f / b.width
    else
      corners = (n - 4) / 2
      sq = p.area * dbu * dbu / (w * w) - (1 - 0.56) * corners
    end
    puts "#{s.text_string} #{'%.6f' % sq} #{n}"
    break
  end
end
